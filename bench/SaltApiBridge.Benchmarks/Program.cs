using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SaltApiBridge.Benchmarks.ParserBenchmarks).Assembly).Run(args);
