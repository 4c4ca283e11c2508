using System.Text.Json.Nodes;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>A Salt master that answers at once (or, for the memory run, holds every highstate until released).</summary>
internal sealed class InstantSaltMaster : ISaltMaster
{
    private static readonly StateRunResult Success = new(StateRunStatus.Succeeded, "20261125000000000000", [], null);

    /// <summary>When set, highstates wait for it: keeps instances in flight.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken) => Task.FromResult(MinionKeyState.Pending);

    public Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, CancellationToken cancellationToken) => Task.FromResult(KeyAcceptOutcome.Accepted);

    public Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<StateRunResult> RunHighstateAsync(string minionId, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
            await hold.Task.WaitAsync(cancellationToken);
        return Success;
    }

    public Task<StateRunResult> ApplyStatesAsync(string minionId, IReadOnlyList<string> states, JsonObject? pillar, CancellationToken cancellationToken) =>
        Task.FromResult(Success);

    public Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken) => Task.CompletedTask;
}
