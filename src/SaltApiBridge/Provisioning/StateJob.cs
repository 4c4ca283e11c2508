namespace SaltApiBridge.Provisioning;

/// <summary>One state job of an action: how to record its jid (before publishing) and how to publish under a jid.</summary>
/// <param name="Step">"highstate" or "clean": in logs, metrics and failure text.</param>
/// <param name="RecordedJid">The jid recorded for this action before (a resume); null for a first run.</param>
/// <param name="PingFirst">Wait until the minion answers before a first publish (a minion just accepted reconnects first).</param>
internal sealed record StateJob(string Step, string? RecordedJid, Func<string, Task> Record, Func<string, Task<string?>> Publish, bool PingFirst = true);
