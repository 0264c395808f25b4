using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using VectorData.ConformanceTests;
using VectorData.ConformanceTests.ModelTests;
using VectorData.ConformanceTests.Support;
using VectorData.ConformanceTests.TypeTests;
using Xunit;

namespace Simil.VectorData.ConformanceTests;

/// <summary>The store every conformance test runs on: a fresh temporary directory per process.</summary>
public sealed class SimilTestStore : TestStore
{
    public static SimilTestStore Instance { get; } = new();

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"simil-mevd-{Guid.NewGuid():N}");

    protected override Task StartAsync()
    {
        // As other connectors: no generator unless one is given (the local model is Simil's own default, off here).
        DefaultVectorStore = new SimilVectorStore(Directory, new SimilVectorStoreOptions { LocalModelWhenNoGenerator = false });
        return Task.CompletedTask;
    }
}

public sealed class SimilFixture : VectorStoreFixture
{
    public override TestStore TestStore => SimilTestStore.Instance;
}

public sealed class SimilCollectionManagementTests(SimilFixture fixture) : CollectionManagementTests<string>(fixture), IClassFixture<SimilFixture>;

public sealed class SimilBasicModelTests(SimilBasicModelTests.Fixture fixture) : BasicModelTests<string>(fixture), IClassFixture<SimilBasicModelTests.Fixture>
{
    public new sealed class Fixture : BasicModelTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilDynamicModelTests(SimilDynamicModelTests.Fixture fixture) : DynamicModelTests<string>(fixture), IClassFixture<SimilDynamicModelTests.Fixture>
{
    public new sealed class Fixture : DynamicModelTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilMultiVectorModelTests(SimilMultiVectorModelTests.Fixture fixture) : MultiVectorModelTests<string>(fixture), IClassFixture<SimilMultiVectorModelTests.Fixture>
{
    public new sealed class Fixture : MultiVectorModelTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilNoDataModelTests(SimilNoDataModelTests.Fixture fixture) : NoDataModelTests<string>(fixture), IClassFixture<SimilNoDataModelTests.Fixture>
{
    public new sealed class Fixture : NoDataModelTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilNoVectorModelTests(SimilNoVectorModelTests.Fixture fixture) : NoVectorModelTests<string>(fixture), IClassFixture<SimilNoVectorModelTests.Fixture>
{
    public new sealed class Fixture : NoVectorModelTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilFilterTests(SimilFilterTests.Fixture fixture) : FilterTests<string>(fixture), IClassFixture<SimilFilterTests.Fixture>
{
    public new sealed class Fixture : FilterTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilDistanceFunctionTests(SimilDistanceFunctionTests.Fixture fixture) : DistanceFunctionTests<string>(fixture), IClassFixture<SimilDistanceFunctionTests.Fixture>
{
    public new sealed class Fixture : DistanceFunctionTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilIndexKindTests(SimilIndexKindTests.Fixture fixture) : IndexKindTests<string>(fixture), IClassFixture<SimilIndexKindTests.Fixture>
{
    public new sealed class Fixture : IndexKindTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilDataTypeTests(SimilDataTypeTests.Fixture fixture)
    : DataTypeTests<string, DataTypeTests<string>.DefaultRecord>(fixture), IClassFixture<SimilDataTypeTests.Fixture>
{
    public new sealed class Fixture : DataTypeTests<string, DataTypeTests<string>.DefaultRecord>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilEmbeddingTypeTests(SimilEmbeddingTypeTests.Fixture fixture) : EmbeddingTypeTests<string>(fixture), IClassFixture<SimilEmbeddingTypeTests.Fixture>
{
    public new sealed class Fixture : EmbeddingTypeTests<string>.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilKeyTypeTests(SimilKeyTypeTests.Fixture fixture) : KeyTypeTests(fixture), IClassFixture<SimilKeyTypeTests.Fixture>
{
    public new sealed class Fixture : KeyTypeTests.Fixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;
    }
}

public sealed class SimilEmbeddingGenerationTests(SimilEmbeddingGenerationTests.StringFixture strings, SimilEmbeddingGenerationTests.VectorFixture vectors)
    : EmbeddingGenerationTests<string>(strings, vectors), IClassFixture<SimilEmbeddingGenerationTests.StringFixture>, IClassFixture<SimilEmbeddingGenerationTests.VectorFixture>
{
    public sealed class StringFixture : StringVectorFixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;

        public override VectorStore CreateVectorStore(IEmbeddingGenerator? embeddingGenerator = null) =>
            new SimilVectorStore(SimilTestStore.Instance.Directory, new SimilVectorStoreOptions { EmbeddingGenerator = embeddingGenerator, LocalModelWhenNoGenerator = false });

        public override Func<IServiceCollection, IServiceCollection>[] DependencyInjectionStoreRegistrationDelegates =>
            [services => services.AddSimilVectorStore(SimilTestStore.Instance.Directory)];

        public override Func<IServiceCollection, IServiceCollection>[] DependencyInjectionCollectionRegistrationDelegates =>
            [services => services.AddSimilCollection<string, RecordWithAttributes>(CollectionName, SimilTestStore.Instance.Directory)];
    }

    public sealed class VectorFixture : RomOfFloatVectorFixture
    {
        public override TestStore TestStore => SimilTestStore.Instance;

        public override VectorStore CreateVectorStore(IEmbeddingGenerator? embeddingGenerator = null) =>
            new SimilVectorStore(SimilTestStore.Instance.Directory, new SimilVectorStoreOptions { EmbeddingGenerator = embeddingGenerator, LocalModelWhenNoGenerator = false });

        public override Func<IServiceCollection, IServiceCollection>[] DependencyInjectionStoreRegistrationDelegates =>
            [services => services.AddSimilVectorStore(SimilTestStore.Instance.Directory)];

        public override Func<IServiceCollection, IServiceCollection>[] DependencyInjectionCollectionRegistrationDelegates =>
            [services => services.AddSimilCollection<string, RecordWithRomOfFloatVectorProperty>(CollectionName, SimilTestStore.Instance.Directory)];
    }
}

public sealed class SimilDependencyInjectionTests
    : DependencyInjectionTests<SimilVectorStore, SimilCollection<string, DependencyInjectionTests<string>.Record>, string, DependencyInjectionTests<string>.Record>
{
    static readonly string s_directory = Path.Combine(Path.GetTempPath(), $"simil-mevd-di-{Guid.NewGuid():N}");

    protected override void PopulateConfiguration(ConfigurationManager configuration, object? serviceKey = null)
    {
        // Simil's registrations take their directory as an argument; nothing is read from configuration.
    }

    public override IEnumerable<Func<IServiceCollection, object?, ServiceLifetime, IServiceCollection>> StoreDelegates =>
    [
        (services, serviceKey, lifetime) => serviceKey is null
            ? services.AddSimilVectorStore(s_directory, lifetime: lifetime)
            : services.AddKeyedSimilVectorStore(serviceKey, s_directory, lifetime: lifetime),
    ];

    public override IEnumerable<Func<IServiceCollection, object?, string, ServiceLifetime, IServiceCollection>> CollectionDelegates =>
    [
        (services, serviceKey, name, lifetime) => serviceKey is null
            ? services.AddSimilCollection<string, Record>(name, s_directory, lifetime: lifetime)
            : services.AddKeyedSimilCollection<string, Record>(serviceKey, name, s_directory, lifetime: lifetime),
    ];
}

/// <summary>Every base implemented, except hybrid (vector + keyword) search, which Simil collections do not offer (README).</summary>
public sealed class SimilTestSuiteImplementationTests : TestSuiteImplementationTests
{
    protected override ICollection<Type> IgnoredTestBases { get; } = [typeof(HybridSearchTests<>)];
}
