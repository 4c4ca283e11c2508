using BenchmarkDotNet.Running;
using SaltApiBridge.Benchmarks.Harness;

// `pipeline`, `storm`, `memory` or `harness` (all three) run the end-to-end harness; anything else goes to
// BenchmarkDotNet (parser and salt-api client overhead), e.g. --filter '*' --job short.
if (args.Length > 0 && HarnessProgram.Names.Contains(args[0]))
    return await HarnessProgram.RunAsync(args);

BenchmarkSwitcher.FromAssembly(typeof(SaltApiBridge.Benchmarks.ParserBenchmarks).Assembly).Run(args);
return 0;
