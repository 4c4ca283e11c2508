using BenchmarkDotNet.Running;
using SaltApiBridge.Benchmarks.Harness;
using SaltApiBridge.Simulation.Local;

// `all` runs everything and writes docs/bench/ (results.md, storm.svg); `pipeline`, `storm`, `master`, `store`, `memory` or `harness`
// run the end-to-end harness; anything else goes to BenchmarkDotNet (parser and salt-api client overhead), e.g.
// --filter '*' --job short.
if (args.Length > 0 && args[0] == "all")
{
    var outDirectory = Path.Combine(LocalCheckout.Root() ?? throw new DirectoryNotFoundException("run from inside the repository"), "docs", "bench");
    var code = await HarnessProgram.RunAsync(["harness", "--out", outDirectory, .. args.Skip(1)]);
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(SaltApiBridge.Benchmarks.ParserBenchmarks).Assembly)
        .Run(["--filter", "*", "--job", "short", "--exporters", "github"]);
    await HarnessProgram.AppendBenchmarkDotNetAsync(Path.Combine(outDirectory, "results.md"), summaries);
    return code;
}

if (args.Length > 0 && HarnessProgram.Names.Contains(args[0]))
    return await HarnessProgram.RunAsync(args);

BenchmarkSwitcher.FromAssembly(typeof(SaltApiBridge.Benchmarks.ParserBenchmarks).Assembly).Run(args);
return 0;
