using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>A Salt step tried up to StepAttempts times, StepRetryDelay apart, while not final or transiently failing.</summary>
public sealed class StepAttemptsTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider time = new();
    private readonly List<DateTimeOffset> tries = [];

    private StepAttempts Attempts(int attempts = 3) =>
        new(Microsoft.Extensions.Options.Options.Create(new PipelineOptions { StepAttempts = attempts, StepRetryDelay = Delay }), time, NullLogger<StepAttempts>.Instance);

    /// <summary>An attempt that answers the given results in turn (an exception is thrown), noting when it was made.</summary>
    private Func<Task<string>> Answers(params object[] answers) => () =>
    {
        tries.Add(time.GetUtcNow());
        return answers[tries.Count - 1] is Exception e ? Task.FromException<string>(e) : Task.FromResult((string)answers[tries.Count - 1]);
    };

    private static SaltApiException Transient() => new("salt-api did not answer in time", isTransient: true);

    [Fact]
    public async Task RunAsync_FinalAtOnce_OneAttempt()
    {
        (await Attempts().RunAsync(Answers("done"), r => r == "done", Ct)).Should().Be("done");

        tries.Should().HaveCount(1);
    }

    [Fact]
    public async Task RunAsync_NotFinal_TriesAgainAfterTheDelay()
    {
        var result = await time.AdvanceUntilCompleteAsync(Attempts().RunAsync(Answers("wait", "done"), r => r == "done", Ct), TimeSpan.FromSeconds(1));

        result.Should().Be("done");
        (tries[1] - tries[0]).Should().BeGreaterThanOrEqualTo(Delay);
    }

    [Fact]
    public async Task RunAsync_NeverFinal_LastAttemptsResultStands()
    {
        var result = await time.AdvanceUntilCompleteAsync(Attempts(3).RunAsync(Answers("a", "b", "c"), _ => false, Ct), TimeSpan.FromSeconds(1));

        result.Should().Be("c");
        tries.Should().HaveCount(3);
    }

    [Fact]
    public async Task RunAsync_TransientFailure_TriesAgain()
    {
        var result = await time.AdvanceUntilCompleteAsync(Attempts().RunAsync(Answers(Transient(), "done"), Ct), TimeSpan.FromSeconds(1));

        result.Should().Be("done");
    }

    [Fact]
    public async Task RunAsync_TransientFailureAtTheLastAttempt_Throws()
    {
        var run = Attempts(2).RunAsync(Answers(Transient(), Transient()), Ct);

        await time.Invoking(t => t.AdvanceUntilCompleteAsync(run, TimeSpan.FromSeconds(1))).Should().ThrowAsync<SaltApiException>();
        tries.Should().HaveCount(2);
    }

    [Fact]
    public async Task RunAsync_PermanentFailure_ThrowsWithoutASecondAttempt()
    {
        var run = Attempts().RunAsync(Answers(new SaltApiException("no such function", isTransient: false), "done"), Ct);

        await time.Invoking(t => t.AdvanceUntilCompleteAsync(run, TimeSpan.FromSeconds(1))).Should().ThrowAsync<SaltApiException>();

        tries.Should().HaveCount(1);
    }

    [Theory]
    [InlineData(1, true, true)]
    [InlineData(2, true, true)]
    [InlineData(3, true, false)]
    [InlineData(1, false, false)]
    public void TriesAgain_FailedAttempt_OnlyTransientWithAttemptsLeft(int attempt, bool transient, bool expected)
    {
        Attempts(3).TriesAgain(attempt, new SaltApiException("salt-api failed", transient)).Should().Be(expected);
    }

    [Fact]
    public async Task PauseAsync_AnyAttempt_StepRetryDelay()
    {
        var pause = Attempts().PauseAsync(2, Ct);

        time.Advance(Delay - TimeSpan.FromSeconds(1));
        pause.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        await pause;
    }
}
