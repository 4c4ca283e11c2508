namespace SaltApiBridge.Demo;

/// <summary>What the demo plays: how many instances scale out, how fast simulated time runs, and the seed.</summary>
/// <param name="Instances">Instances launched in the scale-out.</param>
/// <param name="Speed">How many times faster than real time Salt works (highstates, replies, the daemon's polling).</param>
/// <param name="Seed">Seeds every random choice, so a run can be repeated.</param>
/// <param name="Masters">Salt masters (hot/hot multi-master when more than one): each key must end up accepted, then deleted, on every one.</param>
/// <param name="Replicas">Daemons sharing the queue and a DynamoDB table, each next to a master of its own; with two, one is killed mid-run and the other takes over.</param>
internal sealed record DemoSettings(int Instances, double Speed, int Seed, int Masters = 1, int Replicas = 1)
{
    public const int MaxMasters = 3;

    public const int MaxReplicas = 2;

    public const int MaxInstances = 500;

    /// <summary>Instances scaled in after the scale-out: a quarter, at least one.</summary>
    public int ScaleIn => Math.Max(1, Instances / 4);

    /// <summary>The longest a run may take before it is declared failed.</summary>
    public TimeSpan Deadline => TimeSpan.FromMinutes(30) / Speed + TimeSpan.FromSeconds(60);

    /// <summary>A real-world duration on the demo's clock.</summary>
    public TimeSpan Scaled(TimeSpan real) => real / Speed;

    public string? Problem() =>
        Instances is < 2 or > MaxInstances ? $"--instances must be between 2 and {MaxInstances}"
        : Speed is < 1 or > 1000 ? "--speed must be between 1 and 1000"
        : Masters is < 1 or > MaxMasters ? $"--masters must be between 1 and {MaxMasters}"
        : Replicas is < 1 or > MaxReplicas ? $"--replicas must be between 1 and {MaxReplicas}"
        : Replicas > Masters ? $"--replicas {Replicas} runs each daemon next to a master of its own: --masters must be at least {Replicas}"
        : null;
}
