using BenchmarkDotNet.Attributes;
using SaltApiBridge.Cli;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Benchmarks;

/// <summary>Parse throughput and allocations per message, for each format AWS delivers.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private static readonly Dictionary<string, string> Bodies = new()
    {
        ["direct-hook"] = SampleMessages.ByName("launching")!,
        ["sns-hook"] = SampleMessages.ByName("sns-launching")!,
        ["eventbridge"] = SampleMessages.ByName("eventbridge-launching")!,
        ["notification"] = SampleMessages.ByName("terminated")!,
        ["test"] = SampleMessages.ByName("test")!,
    };

    private readonly ActionPlanner planner = new(new BridgeOptions());
    private string body = "";

    [ParamsSource(nameof(Formats))]
    public string Format { get; set; } = "direct-hook";

    public static IEnumerable<string> Formats => Bodies.Keys;

    [GlobalSetup]
    public void Setup() => body = Bodies[Format];

    [Benchmark(Baseline = true)]
    public ParseResult Parse() => LifecycleMessageParser.Parse(body);

    [Benchmark]
    public ActionPlan ParseValidateAndPlan()
    {
        var result = LifecycleMessageParser.Parse(body);
        return planner.Plan(result.Event!);
    }
}
