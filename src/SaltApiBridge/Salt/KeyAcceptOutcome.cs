namespace SaltApiBridge.Salt;

public enum KeyAcceptOutcome
{
    /// <summary>The key was moved to accepted now.</summary>
    Accepted,

    /// <summary>The key had left its directory for accepted meanwhile (someone else accepted it): nothing moved.</summary>
    AlreadyAccepted,
}
