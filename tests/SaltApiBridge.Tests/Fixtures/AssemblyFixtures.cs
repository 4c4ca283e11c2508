using SaltApiBridge.Tests.Fixtures;

// One emulator of each for the whole test run; each test uses its own queues and tables.
[assembly: AssemblyFixture(typeof(FauxqsServer))]
[assembly: AssemblyFixture(typeof(DynaliteServer))]
