using SaltApiBridge.Salt;

namespace SaltApiBridge.Reconcile;

/// <summary>A minion key's state on one master (several masters only: which master holds what).</summary>
public sealed record MasterKey(string Master, MinionKeyState State);
