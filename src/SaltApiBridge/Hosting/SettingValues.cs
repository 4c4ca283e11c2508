using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Reconcile;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Hosting;

/// <summary>
/// Checks each setting's value against its type before the options are bound. The binder stops at the first value it
/// cannot convert and names .NET types ("to type 'SaltApiBridge.Lifecycle.LifecycleActionResult'"), hiding the other
/// problems of the section; here each bad value is one problem naming the key, the value and what would do.
/// </summary>
public static class SettingValues
{
    /// <summary>Every unreadable value of every section the bridge reads.</summary>
    public static IReadOnlyList<InvalidSetting> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<InvalidSetting>();
        Find<BridgeOptions>(configuration, BridgeOptions.SectionName, found);
        Find<QueueOptions>(configuration, QueueOptions.SectionName, found);
        Find<SaltApiOptions>(configuration, SaltApiOptions.SectionName, found);
        Find<Salt.Events.EventStreamOptions>(configuration, SaltApiOptions.SectionName + ":EventStream", found);
        Find<AutoScalingOptions>(configuration, AutoScalingOptions.SectionName, found);
        Find<PipelineOptions>(configuration, PipelineOptions.SectionName, found);
        Find<HealthOptions>(configuration, HealthOptions.SectionName, found);
        Find<ReconcileOptions>(configuration, ReconcileOptions.SectionName, found);
        return found;
    }

    /// <summary>
    /// Adds a last source that hides the invalid values (the binder skips a key without a value and keeps the
    /// default), so the section binds and its validator reports its other problems.
    /// </summary>
    public static IConfigurationBuilder HideInvalid(this IConfigurationBuilder builder, IReadOnlyList<InvalidSetting> invalid)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(invalid);
        return invalid.Count == 0
            ? builder
            : builder.AddInMemoryCollection(invalid.Select(setting => KeyValuePair.Create(setting.Key, (string?)null)));
    }

    private static void Find<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        IConfiguration configuration, string section, List<InvalidSetting> found)
    {
        var values = configuration.GetSection(section);
        foreach (var property in typeof(TOptions).GetProperties())
        {
            var setting = values.GetSection(property.Name);
            if (setting.Value is not { } value)
                continue;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            // An empty value leaves a nullable setting unset, as the binder does.
            if (value.Length == 0 && Nullable.GetUnderlyingType(property.PropertyType) is not null)
                continue;
            if (Problem(type, value.Trim()) is { } problem)
                found.Add(new InvalidSetting(setting.Path, $"{setting.Path}: '{value}' {problem}"));
        }
    }

    private static string? Problem(Type type, string value)
    {
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            return names.Any(name => string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
                ? null
                : $"is not one of {string.Join(", ", names)}";
        }

        if (type == typeof(bool))
            return bool.TryParse(value, out _) ? null : "is not true or false";
        if (type == typeof(int))
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "is not a whole number";
        if (type == typeof(TimeSpan))
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) ? null : "is not a duration; write [d.]hh:mm:ss[.fff], e.g. 00:05:00 for five minutes";
        return null;
    }
}
