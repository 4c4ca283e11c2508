using System.Diagnostics.CodeAnalysis;

namespace SaltApiBridge.Lifecycle;

/// <summary>A parsed message, or the reason it can never be one. Never an exception.</summary>
public sealed record ParseResult(LifecycleEvent? Event, string? RejectReason)
{
    [MemberNotNullWhen(true, nameof(Event))]
    [MemberNotNullWhen(false, nameof(RejectReason))]
    public bool IsSuccess => Event is not null;

    public static ParseResult Ok(LifecycleEvent lifecycleEvent) => new(lifecycleEvent, null);

    public static ParseResult Rejected(string reason) => new(null, reason);
}
