namespace SaltApiBridge.Salt;

/// <summary>One configured master: its name (<c>SaltApi:Name</c>, or the key under <c>SaltApi:Masters</c>) and its salt-api.</summary>
public sealed record NamedSaltMaster(string Name, ISaltMaster Master);
