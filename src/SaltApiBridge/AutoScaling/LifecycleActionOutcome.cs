namespace SaltApiBridge.AutoScaling;

/// <summary>What AWS said to a complete or heartbeat call that did not fail.</summary>
public enum LifecycleActionOutcome
{
    /// <summary>The call was accepted.</summary>
    Done,

    /// <summary>"No active Lifecycle Action found": it timed out or someone else completed it. Nothing more to do.</summary>
    ActionGone,
}
