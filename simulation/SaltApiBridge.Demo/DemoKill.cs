namespace SaltApiBridge.Demo;

/// <summary>A replica the demo killed (SIGKILL, as a host dies): which, how far into the run, and what it was working on.</summary>
/// <param name="Master">The master it ran next to (and ran its jobs through).</param>
/// <param name="InProgress">Lifecycle actions it had started and not finished.</param>
/// <param name="AtHighstate">Of those, launches whose highstate was running on its master.</param>
internal sealed record DemoKill(string Replica, string Master, TimeSpan At, int InProgress, int AtHighstate);
