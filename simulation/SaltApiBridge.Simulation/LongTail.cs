namespace SaltApiBridge.Simulation;

/// <summary>Long-tailed durations for simulated highstates (the demo and the storm benchmark).</summary>
internal static class LongTail
{
    /// <summary>A log-normal duration: most take about <paramref name="median"/>, a few far longer.</summary>
    public static TimeSpan Sample(Random random, TimeSpan median, double sigma)
    {
        ArgumentNullException.ThrowIfNull(random);
        // Box–Muller: one standard normal draw from two uniform ones.
        var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return median * Math.Exp(sigma * gaussian);
    }
}
