using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt.Events;

public sealed class EventStreamOptionsTests
{
    [Fact]
    public void Validate_EventStreamProblems_ListsEveryOneUnderItsKey()
    {
        var options = new SaltApiOptions { Username = "saltapi", Password = "pw" };
        options.EventStream.ProbeInterval = TimeSpan.Zero;
        options.EventStream.ProbeTimeout = TimeSpan.FromSeconds(-1);
        options.EventStream.ConnectTimeout = TimeSpan.Zero;
        options.EventStream.ReconnectDelay = TimeSpan.FromSeconds(10);
        options.EventStream.ReconnectMaxDelay = TimeSpan.FromSeconds(1);
        options.EventStream.MaxEventBytes = 1000;

        var result = new SaltApiOptionsValidator().Validate(null, options);

        result.Failures.Should().BeEquivalentTo(
            "SaltApi:EventStream:ProbeInterval must be positive (was 00:00:00).",
            "SaltApi:EventStream:ProbeTimeout must be positive (was -00:00:01).",
            "SaltApi:EventStream:ConnectTimeout must be positive (was 00:00:00).",
            "SaltApi:EventStream:ReconnectMaxDelay (00:00:01) is shorter than ReconnectDelay (00:00:10).",
            "SaltApi:EventStream:MaxEventBytes must be between 65536 and 67108864 (was 1000).");
    }

    [Fact]
    public void AddSaltApi_EventStreamSection_BoundWithDefaultsForWhatIsNotSet()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SaltApi:Username"] = "saltapi",
                ["SaltApi:Password"] = "pw",
                ["SaltApi:EventStream:Enabled"] = "false",
                ["SaltApi:EventStream:ProbeInterval"] = "00:01:00",
            })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddSaltApi(configuration).BuildServiceProvider();

        var stream = services.GetRequiredService<IOptions<SaltApiOptions>>().Value.EventStream;

        stream.Enabled.Should().BeFalse();
        stream.ProbeInterval.Should().Be(TimeSpan.FromMinutes(1));
        stream.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(10));
        stream.MaxEventBytes.Should().Be(1024 * 1024);
    }
}
