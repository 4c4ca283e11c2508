namespace SaltApiBridge.Coordination.DynamoDb;

/// <param name="Differences">With <see cref="TableSetupOutcome.OtherSchema"/>: how the table differs, one phrase each.</param>
/// <param name="TimeToLive">TTL on <c>expiresAt</c>: true on, null when the endpoint has no TTL API (an emulator).</param>
public sealed record TableSetupResult(TableSetupOutcome Outcome, IReadOnlyList<string> Differences, bool? TimeToLive);
