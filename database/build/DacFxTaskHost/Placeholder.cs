// The project exists for its copy-local output folder; see DacFxTaskHost.csproj.
namespace CrmDb.Build.DacFxTaskHost;

internal static class Placeholder
{
}
