namespace SaltApiBridge.Demo;

/// <summary>A replica the demo killed (SIGKILL, as a host dies): which, how far into the run, and what it was working on.</summary>
/// <param name="InProgress">Lifecycle actions it had started and not finished.</param>
internal sealed record DemoKill(string Replica, TimeSpan At, int InProgress);
