using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// A Salt step tried up to <see cref="PipelineOptions.StepAttempts"/> times, <see cref="PipelineOptions.StepRetryDelay"/>
/// apart, while its result is not final or salt-api fails transiently; the last attempt's result or exception stands.
/// </summary>
internal sealed class StepAttempts(IOptions<PipelineOptions> options, TimeProvider timeProvider, ILogger<StepAttempts> logger)
{
    public async Task<T> RunAsync<T>(Func<Task<T>> attempt, Func<T, bool> isFinal, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var backoff = BackoffPolicy.Constant(settings.StepRetryDelay);
        for (var i = 1; ; i++)
        {
            try
            {
                var result = await attempt();
                if (isFinal(result) || i >= settings.StepAttempts)
                    return result;
            }
            catch (SaltApiException e) when (e.IsTransient && i < settings.StepAttempts)
            {
                ProvisioningLog.StepRetrying(logger, i, e.Message);
            }

            await Task.Delay(backoff.Delay(i), timeProvider, cancellationToken);
        }
    }

    /// <summary>A step whose every answer is final: only transient salt-api failures are tried again.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken) => RunAsync(attempt, _ => true, cancellationToken);
}
