using System.Text.Json.Nodes;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>A scriptable Salt master that records every call.</summary>
internal sealed class FakeSaltMaster(CallLog log) : ISaltMaster
{
    private int jids;

    public Func<string, CancellationToken, Task<KeyAcceptOutcome>> Accept { get; set; } = (_, _) => Task.FromResult(KeyAcceptOutcome.Accepted);

    public Func<string, CancellationToken, Task<StateRunResult>> Highstate { get; set; } = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));

    public Func<string, CancellationToken, Task<StateRunResult>> Clean { get; set; } = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));

    public Func<string, CancellationToken, Task> Delete { get; set; } = (_, _) => Task.CompletedTask;

    public Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"keystate {minionId}");
        return Task.FromResult(MinionKeyState.Pending);
    }

    public Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"accept {minionId}");
        return Accept(minionId, cancellationToken);
    }

    public Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"ping {minionId}");
        return Task.FromResult(true);
    }

    public async Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"delete {minionId}");
        await Delete(minionId, cancellationToken);
    }

    public async Task<StateRunResult> RunHighstateAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"highstate {minionId}");
        var result = await Highstate(minionId, cancellationToken);
        log.Add($"highstate-done {minionId}");
        return result with { Jid = result.Jid ?? NextJid() };
    }

    public async Task<StateRunResult> ApplyStatesAsync(string minionId, IReadOnlyList<string> states, JsonObject? pillar, CancellationToken cancellationToken)
    {
        log.Add($"sls {string.Join(",", states)} {minionId}");
        var result = await Clean(minionId, cancellationToken);
        return result with { Jid = result.Jid ?? NextJid() };
    }

    public Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken)
    {
        log.Add($"event {tag} {data["minion_id"]}");
        return Task.CompletedTask;
    }

    private string NextJid() => $"2026112512000000{Interlocked.Increment(ref jids):D4}";
}
