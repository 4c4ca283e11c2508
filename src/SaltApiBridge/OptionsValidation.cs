using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SaltApiBridge;

/// <summary>
/// How every section's options are checked: by their validator, every problem at once, before a command runs
/// (<see cref="Hosting.BridgeHost.ConfigurationProblems"/>), else at first use.
/// </summary>
internal static class OptionsValidation
{
    /// <summary>
    /// Validates the options with <typeparamref name="TValidator"/>. The caller binds them: the configuration binding
    /// generator writes the binder only where the options type is concrete. Not on the host's start as well
    /// (<c>ValidateOnStart</c>): every command has listed the problems by then, and the host's second pass builds an
    /// options monitor per section at run time, slow in the Native AOT build, before the web server listens.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateWith<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this OptionsBuilder<TOptions> options)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return options;
    }
}
