using SaltApiBridge.Coordination;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>What one replica sees of a coordination store: its leases, records and memory of finished work.</summary>
public sealed record StoreReplica(ILeases Leases, IProvisioningRecords Records, IFinishedWork FinishedWork);
