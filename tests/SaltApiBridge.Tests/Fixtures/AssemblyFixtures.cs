using SaltApiBridge.Tests.Fixtures;

// One emulator for the whole test run; each test uses its own queues.
[assembly: AssemblyFixture(typeof(FauxqsServer))]
