using Microsoft.Extensions.Logging;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// Which master an action's state jobs can go through when none is on record, or the one on record is down: one where
/// the minion's key is accepted (a minion answers only masters that accepted it).
/// </summary>
internal sealed class JobMasters(SaltMasterSet masters, ILogger<JobMasters> logger)
{
    /// <summary>
    /// <paramref name="preferred"/> when its key is accepted there, else the first master in configuration order where it
    /// is, never <paramref name="excluding"/>; null when no master says so.
    /// </summary>
    public async Task<NamedSaltMaster?> WhereAcceptedAsync(InstanceWork work, NamedSaltMaster? preferred, NamedSaltMaster? excluding, CancellationToken cancellationToken)
    {
        foreach (var candidate in masters.Masters.Where(m => m != excluding).OrderBy(m => m == preferred ? 0 : 1))
        {
            try
            {
                if (await candidate.Master.GetKeyStateAsync(work.MinionId, cancellationToken) == MinionKeyState.Accepted)
                    return candidate;
            }
            catch (SaltApiException e)
            {
                ProvisioningLog.MasterKeyMissing(logger, candidate.Name, work.InstanceId, work.MinionId, e.Message);
            }
        }

        return null;
    }
}
