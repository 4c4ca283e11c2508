namespace SaltApiBridge.Hosting;

/// <summary>
/// The values <see cref="SettingValues"/> found unreadable and took out of the configuration, so the rest of each
/// section still binds and is validated; <see cref="BridgeHost.ConfigurationProblems"/> lists them.
/// </summary>
public sealed class InvalidSettings(IReadOnlyList<InvalidSetting> settings)
{
    public IReadOnlyList<InvalidSetting> Settings { get; } = settings;
}
