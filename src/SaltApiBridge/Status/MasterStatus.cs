namespace SaltApiBridge.Status;

/// <summary>One master as the status shows it: its salt-api answering, its event stream, the key work owed to it.</summary>
/// <param name="EventStream"><c>proven</c> (events trusted), <c>connected</c> (not proven yet), <c>down</c>, or <c>off</c> (SaltApi:EventStream:Enabled).</param>
/// <param name="EventStreamDownSince">Since when the stream is not proven; null while it is, or when it is off.</param>
/// <param name="OwedAccepts">Key accepts owed to it (records' owed work, counted at most every 30 s); null when the store could not say.</param>
/// <param name="OwedSince">When the oldest debt to it began; null when it is owed nothing.</param>
public sealed record MasterStatus(
    string Name,
    bool SaltApiAnswering,
    string EventStream,
    DateTimeOffset? EventStreamDownSince,
    DateTimeOffset? LastEventAt,
    int? OwedAccepts,
    int? OwedDeletes,
    DateTimeOffset? OwedSince);
