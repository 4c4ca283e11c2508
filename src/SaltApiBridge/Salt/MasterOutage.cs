using SaltApiBridge.Hosting;

namespace SaltApiBridge.Salt;

/// <summary>
/// One master's salt-api in <see cref="DependencyOutages"/>: its session and event stream report each call that got
/// no answer (or a 5xx) and each that did; the outage is one warning saying what the daemon does meanwhile, which
/// depends on how many masters there are and on <c>SaltApi:MasterDown</c>.
/// </summary>
internal sealed class MasterOutage(DependencyOutages outages, string master, string meanwhile)
{
    public string Dependency { get; } = DependencyNames.SaltApi(master);

    public bool IsDown => outages.IsDown(Dependency);

    public void Failed(string error) => outages.Failed(Dependency, error, meanwhile);

    public void Answered() => outages.Answered(Dependency);

    /// <param name="all">The <c>SaltApi</c> section (with its <c>Masters</c>), not one master's copy of it.</param>
    public static MasterOutage For(DependencyOutages outages, SaltApiOptions all, string master)
    {
        ArgumentNullException.ThrowIfNull(all);
        var meanwhile = all.Masters.Count == 0
            ? "work that needs salt-api is retried with backoff, its messages stay in the queue; waits poll until the event stream is back"
            : all.MasterDown == MasterDownPolicy.Proceed
                ? $"launches go on without it (SaltApi:MasterDown is Proceed); key accepts and deletes it misses are owed, tried again every {all.MasterRetryInterval}"
                : $"launches wait for it up to {all.MasterDownTimeout} (SaltApi:MasterDown is Wait); key deletes it misses are owed, tried again every {all.MasterRetryInterval}";
        return new MasterOutage(outages, master, meanwhile);
    }
}
