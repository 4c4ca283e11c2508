using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace SaltApiBridge.Hosting;

/// <summary>Counts one pipeline's retries and circuit openings in <see cref="RetryMetrics"/>, under its dependency's name.</summary>
internal sealed class RetryCounter(RetryMetrics metrics, string dependency) : TelemetryListener
{
    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        switch (args.Event.EventName)
        {
            case "OnRetry":
                metrics.Retried(dependency, Outcome(args.Outcome));
                break;
            case "OnCircuitOpened":
                metrics.CircuitOpened(dependency);
                break;
        }
    }

    /// <summary>A bounded label: the kind of failure, or the HTTP status of the answer; never a message.</summary>
    internal static string Outcome<TResult>(Outcome<TResult>? outcome) => outcome switch
    {
        { Exception: HttpRequestException } => "connection_error",
        { Exception: TimeoutRejectedException or OperationCanceledException } => "timeout",
        { Exception: not null } => "error",
        { Result: HttpResponseMessage response } => "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "other",
    };
}
