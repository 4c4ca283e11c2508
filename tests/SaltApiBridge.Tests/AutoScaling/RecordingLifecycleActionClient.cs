using System.Collections.Concurrent;
using System.Threading.Channels;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>Records when heartbeats arrive (by the fake clock) and answers with queued outcomes, Done by default.</summary>
internal sealed class RecordingLifecycleActionClient(TimeProvider time) : ILifecycleActionClient
{
    private readonly Channel<DateTimeOffset> heartbeats = Channel.CreateUnbounded<DateTimeOffset>();
    private readonly ConcurrentQueue<Func<CancellationToken, Task<LifecycleActionOutcome>>> answers = new();

    public List<DateTimeOffset> Received { get; } = [];

    public void Then(Func<LifecycleActionOutcome> answer) => answers.Enqueue(_ => Task.FromResult(answer()));

    /// <summary>The next heartbeat call hangs until its token is cancelled (a call still in flight).</summary>
    public void ThenHangUntilCancelled() => answers.Enqueue(async token =>
    {
        await Task.Delay(Timeout.Infinite, token);
        return LifecycleActionOutcome.Done;
    });

    public Task<LifecycleActionOutcome> CompleteAsync(
        LifecycleActionIdentity action, LifecycleActionResult result, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The heartbeat keeper never completes actions.");

    public Task<LifecycleActionOutcome> RecordHeartbeatAsync(LifecycleActionIdentity action, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (Received)
        {
            Received.Add(now);
        }

        try
        {
            return answers.TryDequeue(out var answer) ? answer(cancellationToken) : Task.FromResult(LifecycleActionOutcome.Done);
        }
        finally
        {
            heartbeats.Writer.TryWrite(now);
        }
    }

    /// <summary>Waits (5 s of real time at most) for the next heartbeat and returns its fake-clock time.</summary>
    public async Task<DateTimeOffset> NextAsync() =>
        await heartbeats.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

    public bool HasUnread => heartbeats.Reader.TryPeek(out _);
}
