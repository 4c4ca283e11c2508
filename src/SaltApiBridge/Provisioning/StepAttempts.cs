using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// A Salt step tried up to <see cref="PipelineOptions.StepAttempts"/> times, <see cref="PipelineOptions.StepRetryDelay"/>
/// apart, while its result is not final or salt-api fails transiently; the last attempt's result or exception stands.
/// A step that waits long (a state job's publish and wait) loops over <see cref="TriesAgain"/>, <see cref="Retrying"/>
/// and <see cref="PauseAsync"/> itself, so no wrapper is kept alive while it waits.
/// </summary>
internal sealed class StepAttempts(IOptions<PipelineOptions> options, TimeProvider timeProvider, ILogger<StepAttempts> logger)
{
    private readonly BackoffPolicy backoff = BackoffPolicy.Constant(options.Value.StepRetryDelay);

    public async Task<T> RunAsync<T>(Func<Task<T>> attempt, Func<T, bool> isFinal, CancellationToken cancellationToken)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                var result = await attempt();
                if (isFinal(result) || i >= options.Value.StepAttempts)
                    return result;
            }
            catch (SaltApiException e) when (TriesAgain(i, e))
            {
                Retrying(i, e);
            }

            await PauseAsync(i, cancellationToken);
        }
    }

    /// <summary>A step whose every answer is final: only transient salt-api failures are tried again.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken) => RunAsync(attempt, _ => true, cancellationToken);

    /// <summary>Whether attempt number <paramref name="attempt"/> (1: the first), failed so, is followed by another.</summary>
    public bool TriesAgain(int attempt, SaltApiException failure) => failure.IsTransient && attempt < options.Value.StepAttempts;

    /// <summary>Says that attempt number <paramref name="attempt"/> failed and the step is tried again.</summary>
    public void Retrying(int attempt, SaltApiException failure) => ProvisioningLog.StepRetrying(logger, attempt, failure.Message);

    /// <summary>The pause after attempt number <paramref name="attempt"/>, before the next.</summary>
    public Task PauseAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(backoff.Delay(attempt), timeProvider, cancellationToken);
}
