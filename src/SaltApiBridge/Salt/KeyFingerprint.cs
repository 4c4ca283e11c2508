namespace SaltApiBridge.Salt;

/// <summary>
/// A key as one master holds it (wheel <c>key.finger</c>): its directory and fingerprint (colon-separated hex of the
/// master's <c>hash_type</c>); <see cref="MinionKeyState.Absent"/> with no fingerprint when there is no key.
/// </summary>
public sealed record KeyFingerprint(MinionKeyState State, string? Fingerprint)
{
    public static KeyFingerprint None { get; } = new(MinionKeyState.Absent, null);
}
