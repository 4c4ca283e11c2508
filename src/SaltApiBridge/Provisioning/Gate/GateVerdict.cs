namespace SaltApiBridge.Provisioning.Gate;

public enum GateVerdict
{
    /// <summary>Every signal agreed and the pending key was accepted now.</summary>
    Accepted,

    /// <summary>Every signal agreed and the key was accepted already (a restart, or an operator): nothing moved.</summary>
    AlreadyAccepted,

    /// <summary>No key with the expected id arrived before the wait's deadline.</summary>
    NoKey,

    /// <summary>A signal disagreed: the key stays where it is. See <see cref="GateOutcome.Reason"/>.</summary>
    Refused,

    /// <summary>
    /// The key is accepted already and the instance, in the event's group, no longer waits: this launch was finished
    /// before (a redelivery after the action was completed). Nothing to accept, nothing to refuse.
    /// </summary>
    ActionEnded,
}
