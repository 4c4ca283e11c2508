using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace SaltApiBridge.Tests.Salt;

internal static class FakeTimeProviderExtensions
{
    /// <summary>
    /// Moves fake time forward in <paramref name="step"/>s while <paramref name="task"/> runs, so code awaiting
    /// TimeProvider delays proceeds without real waiting. Time stands still while <paramref name="isBusy"/> says
    /// the code is doing real work (an HTTP call), so deadlines count only the waits. Fails if the task is not done
    /// within <paramref name="realLimit"/> of real time (default 20 s).
    /// </summary>
    public static async Task<T> AdvanceUntilCompleteAsync<T>(
        this FakeTimeProvider time, Task<T> task, TimeSpan step, Func<bool>? isBusy = null, TimeSpan? realLimit = null)
    {
        var limit = realLimit ?? TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"The task did not complete within {limit} of real time (fake time {time.GetUtcNow():O}).");
            }

            // Give the code under test (and its real HTTP calls) a moment to reach its next timer.
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
            if (!task.IsCompleted && isBusy?.Invoke() != true)
            {
                time.Advance(step);
            }
        }

        return await task;
    }

    public static Task AdvanceUntilCompleteAsync(
        this FakeTimeProvider time, Task task, TimeSpan step, Func<bool>? isBusy = null, TimeSpan? realLimit = null) =>
        time.AdvanceUntilCompleteAsync(Completion(task), step, isBusy, realLimit);

    private static async Task<bool> Completion(Task task)
    {
        await task;
        return true;
    }
}
