using SaltApiBridge.Status;

namespace SaltApiBridge.Provisioning;

/// <summary>Where a piece of work comes from, beside its plan.</summary>
/// <param name="CorrelationId">Names the work in Salt events (the message id, or the takeover).</param>
/// <param name="ActionKey">The action's key when it is resumed from its record without its message; else from the token.</param>
/// <param name="Progress">Where the status view follows it; null when nobody watches.</param>
internal sealed record WorkRequest(string CorrelationId, string? ActionKey = null, WorkInProgress? Progress = null);
