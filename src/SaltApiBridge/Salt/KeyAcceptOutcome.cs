namespace SaltApiBridge.Salt;

public enum KeyAcceptOutcome
{
    /// <summary>A pending key was accepted now.</summary>
    Accepted,

    /// <summary>The key was accepted already: nothing moved.</summary>
    AlreadyAccepted,

    /// <summary>No key arrived before the wait deadline: the minion is still booting, or never will. Not an error of salt-api.</summary>
    NotYet,

    /// <summary>The key is rejected or denied: an operator's decision the bridge never overrides.</summary>
    Refused,
}
