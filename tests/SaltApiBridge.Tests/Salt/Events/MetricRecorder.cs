using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>
/// Sums the counters of one meter factory's meters by instrument and tags, and keeps the last value of each
/// floating-point instrument (gauges, histograms), so parallel tests (each with its own factory) never see each other's
/// measurements.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _last = new(StringComparer.Ordinal);

    public MetricRecorder()
    {
        Factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == Factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _sums.AddOrUpdate(Series(instrument, tags), value, (_, sum) => sum + value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _last[Series(instrument, tags)] = value);
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    /// <summary>The sum recorded as <c>name{key=value,…}</c> (keys in order), 0 if none.</summary>
    public long Sum(string series) => _sums.GetValueOrDefault(series);

    /// <summary>
    /// The last value recorded as <c>name{key=value,…}</c> by a floating-point instrument, observable gauges read now;
    /// null if none.
    /// </summary>
    public double? Last(string series)
    {
        _listener.RecordObservableInstruments();
        return _last.TryGetValue(series, out var value) ? value : null;
    }

    public IReadOnlyDictionary<string, long> All => new Dictionary<string, long>(_sums, StringComparer.Ordinal);

    private static string Series(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        $"{instrument.Name}{{{string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))}}}";

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
