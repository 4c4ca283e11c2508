namespace SaltApiBridge.Tests.Chaos;

/// <summary>What must become of a message the chaos suite sends.</summary>
internal enum Expectation
{
    /// <summary>A lifecycle action (launching or terminating): completed exactly once with <see cref="ChaosMessage.Result"/>.</summary>
    CompleteAction,

    /// <summary>An EC2_INSTANCE_TERMINATE notification: the minion's key deleted, no Auto Scaling call.</summary>
    DeleteKey,

    /// <summary>Nothing to do (a test notification): acknowledged and deleted.</summary>
    Acknowledge,

    /// <summary>Hostile or invalid: rejected with a reason, deleted, and nothing called for it.</summary>
    Reject,
}
