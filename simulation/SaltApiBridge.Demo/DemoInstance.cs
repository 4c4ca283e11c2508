namespace SaltApiBridge.Demo;

/// <summary>
/// One instance of the demo: what it is (group, how its messages travel, whether its highstate fails or it is scaled
/// in) and what happened to it so far, as seen on the simulated salt-api and Auto Scaling endpoint.
/// </summary>
internal sealed class DemoInstance(string instanceId, string group, string via, bool goldenImage, bool fails, bool scaledIn)
{
    private readonly Lock gate = new();
    private readonly List<string> steps = [];
    private readonly List<string> launchRefused = [];
    private readonly List<string> terminateRefused = [];

    public string InstanceId { get; } = instanceId;

    public string Group { get; } = group;

    public string MinionId { get; } = $"{group}-{instanceId}";

    /// <summary>direct, sns or eventbridge.</summary>
    public string Via { get; } = via;

    public bool GoldenImage { get; } = goldenImage;

    public bool Fails { get; } = fails;

    public bool ScaledIn { get; } = scaledIn;

    public string LaunchToken { get; } = Guid.NewGuid().ToString();

    public string TerminateToken { get; } = Guid.NewGuid().ToString();

    public string? LaunchResult { get; private set; }

    public string? TerminateResult { get; private set; }

    public bool KeyDeleted { get; private set; }

    public int LaunchCompletions { get; private set; }

    public int TerminateCompletions { get; private set; }

    /// <summary>Whether the terminated notification was sent (by the demo's scenario).</summary>
    public bool TerminatedSent { get; set; }

    public bool TerminatingSent { get; set; }

    public string Current { get; private set; } = "queued";

    public DateTimeOffset? Started { get; private set; }

    public DateTimeOffset? Finished { get; private set; }

    /// <summary>When the launch's lifecycle action was completed (the instance went in service, or was abandoned).</summary>
    public DateTimeOffset? LaunchCompletedAt { get; private set; }

    public IReadOnlyList<string> Steps
    {
        get
        {
            lock (gate)
                return [.. steps];
        }
    }

    /// <summary>The result a correct bridge produces for this instance.</summary>
    public string ExpectedLaunchResult => Fails ? "ABANDON" : "CONTINUE";

    /// <summary>Every lifecycle action ended as expected and the key is where it should be.</summary>
    public bool Done =>
        LaunchResult is not null
        && (!ScaledIn || TerminateResult is not null)
        && (KeyDeleted || !(ScaledIn || Fails));

    /// <summary>
    /// A completion sent again (refused by Auto Scaling) with another result than the one that completed the action.
    /// Read against the results as they stand now: with two completions at once the refused one may be reported before
    /// the one that completed the action.
    /// </summary>
    public bool CompletedAgainOtherwise
    {
        get
        {
            lock (gate)
                return launchRefused.Any(r => r != LaunchResult) || terminateRefused.Any(r => r != TerminateResult);
        }
    }

    public bool AsExpected =>
        Done && LaunchCompletions == 1 && LaunchResult == ExpectedLaunchResult && !CompletedAgainOtherwise
        && (!ScaledIn || (TerminateCompletions == 1 && TerminateResult == "CONTINUE"))
        && KeyDeleted == (ScaledIn || Fails);

    public string Outcome => !Done ? Current
        : !AsExpected ? "UNEXPECTED"
        : Fails ? "abandoned, key removed"
        : ScaledIn ? "scaled in, key removed"
        : GoldenImage ? "in service (golden image)"
        : "in service";

    public void Step(string step, DateTimeOffset at)
    {
        lock (gate)
            AddStep(step, at);
    }

    /// <summary>A step that counts once however often it is seen (each master of a hot set, a repeated publish), checked and added as one.</summary>
    public void StepOnce(string step, DateTimeOffset at)
    {
        lock (gate)
        {
            if (!steps.Contains(step))
                AddStep(step, at);
        }
    }

    private void AddStep(string step, DateTimeOffset at)
    {
        Started ??= at;
        steps.Add(step);
        Current = step;
        Finished = at;
    }

    public void Progress(string current, DateTimeOffset at)
    {
        lock (gate)
        {
            Started ??= at;
            Current = current;
        }
    }

    public void Completed(bool launch, string result, DateTimeOffset at)
    {
        lock (gate)
        {
            if (launch)
            {
                LaunchCompletions++;
                LaunchResult ??= result;
                LaunchCompletedAt ??= at;
            }
            else
            {
                TerminateCompletions++;
                TerminateResult ??= result;
            }
        }

        Step(result, at);
        if (launch && result == "CONTINUE")
            Progress("in service", at);
    }

    /// <summary>A completion of an action already completed, which Auto Scaling refused: it must carry the same result.</summary>
    public void CompletedAgain(bool launch, string result)
    {
        lock (gate)
            (launch ? launchRefused : terminateRefused).Add(result);
    }

    public void KeyRemoved(DateTimeOffset at)
    {
        KeyDeleted = true;
        Step("key deleted", at);
    }
}
