namespace SaltApiBridge.Reconcile;

public enum FindingKind
{
    /// <summary>An accepted key of a configured group whose instance Auto Scaling no longer has.</summary>
    Orphan,

    /// <summary>An instance in service in a configured group without an accepted key, or without a successful highstate on record.</summary>
    Stray,
}
