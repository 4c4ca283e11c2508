using BenchmarkDotNet.Running;
using SaltApiBridge.Benchmarks.Harness;

// `all` runs everything and writes docs/bench/ (results.md, storm.svg); `pipeline`, `storm`, `memory` or `harness`
// run the end-to-end harness; anything else goes to BenchmarkDotNet (parser and salt-api client overhead), e.g.
// --filter '*' --job short.
if (args.Length > 0 && args[0] == "all")
{
    var outDirectory = Path.Combine(FindRepository(), "docs", "bench");
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

static string FindRepository()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SaltApiBridge.sln")))
            return dir.FullName;
    }

    throw new DirectoryNotFoundException("run from inside the repository");
}
