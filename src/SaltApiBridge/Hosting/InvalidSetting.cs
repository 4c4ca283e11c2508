namespace SaltApiBridge.Hosting;

/// <summary>A configuration value that cannot be read as its setting's type: the key and what is wrong, for the operator.</summary>
public sealed record InvalidSetting(string Key, string Problem);
