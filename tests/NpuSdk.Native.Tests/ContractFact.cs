using Xunit.Abstractions;
using Xunit.Sdk;

namespace NpuSdk.Native.Tests;

/// <summary>
/// A contract test: declared once on <see cref="BackendContract"/> and run by every backend's subclass.
/// A subclass marked <see cref="RequiresNoopXrtAttribute"/> is skipped, with the reason, where XRT is absent.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("NpuSdk.Native.Tests.ContractFactDiscoverer", "NpuSdk.Native.Tests")]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>Marks a contract subclass that runs on XRT's no-op device.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresNoopXrtAttribute : Attribute;

/// <summary>Discovers <see cref="ContractFactAttribute"/> tests per subclass, so one backend can be skipped without the other.</summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        bool needsXrt = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresNoopXrtAttribute)).Any();
        if (needsXrt && NoopXrt.UnavailableReason is { } reason)
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, reason)];
        return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
    }
}
