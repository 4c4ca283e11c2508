namespace SaltApiBridge.Status;

/// <summary>The key work owed to one master: accepts and deletes, and since when the oldest is owed.</summary>
public sealed record MasterDebt(int Accepts, int Deletes, DateTimeOffset? Since);
