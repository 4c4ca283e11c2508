using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SaltApiBridge.Benchmarks.SaltClientOverheadBenchmarks).Assembly).Run(args);
