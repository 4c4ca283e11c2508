namespace SaltApiBridge.Reconcile;

public enum FindingKind
{
    /// <summary>An accepted key of a configured group whose instance Auto Scaling no longer has.</summary>
    Orphan,

    /// <summary>An instance in service in a configured group without an accepted key, or without a successful highstate on record.</summary>
    Stray,

    /// <summary>
    /// Several masters only: a key of a live instance of a configured group that some masters accept and others do not
    /// (pending, rejected, denied or absent there). Reported only: the bridge accepts keys only through its launch gate.
    /// </summary>
    Split,
}
