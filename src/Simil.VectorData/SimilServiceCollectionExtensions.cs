using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace Simil.VectorData;

/// <summary>
/// Registers Simil's vector store and collections with dependency injection, keyed or not, at any
/// lifetime; a registered <see cref="IEmbeddingGenerator"/> is used when the options give none
/// (resolved when the store or collection is made, not when it is registered).
/// </summary>
public static class SimilServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="SimilVectorStore"/> over <paramref name="directory"/> as itself and as <see cref="VectorStore"/>.</summary>
    public static IServiceCollection AddSimilVectorStore(this IServiceCollection services, string directory,
        SimilVectorStoreOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton) =>
        AddKeyedSimilVectorStore(services, null, directory, options, lifetime);

    /// <summary>As <see cref="AddSimilVectorStore"/>, under <paramref name="serviceKey"/> (null: not keyed).</summary>
    public static IServiceCollection AddKeyedSimilVectorStore(this IServiceCollection services, object? serviceKey, string directory,
        SimilVectorStoreOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Register(services, serviceKey, lifetime, sp => new SimilVectorStore(directory, OptionsFrom(sp, options)));
        Alias<VectorStore, SimilVectorStore>(services, serviceKey, lifetime);
        return services;
    }

    /// <summary>Registers the collection <paramref name="name"/> of a store over <paramref name="directory"/> as itself, as <see cref="VectorStoreCollection{TKey, TRecord}"/> and as <see cref="IVectorSearchable{TRecord}"/>.</summary>
    public static IServiceCollection AddSimilCollection<TKey, TRecord>(this IServiceCollection services, string name, string directory,
        SimilVectorStoreOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class =>
        AddKeyedSimilCollection<TKey, TRecord>(services, null, name, directory, options, lifetime);

    /// <summary>As <see cref="AddSimilCollection{TKey, TRecord}"/>, under <paramref name="serviceKey"/> (null: not keyed).</summary>
    public static IServiceCollection AddKeyedSimilCollection<TKey, TRecord>(this IServiceCollection services, object? serviceKey, string name, string directory,
        SimilVectorStoreOptions? options = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Register(services, serviceKey, lifetime, sp => new SimilVectorStore(directory, OptionsFrom(sp, options)).GetCollection<TKey, TRecord>(name));
        Alias<VectorStoreCollection<TKey, TRecord>, SimilCollection<TKey, TRecord>>(services, serviceKey, lifetime);
        Alias<IVectorSearchable<TRecord>, SimilCollection<TKey, TRecord>>(services, serviceKey, lifetime);
        return services;
    }

    static SimilVectorStoreOptions OptionsFrom(IServiceProvider provider, SimilVectorStoreOptions? options) =>
        options ?? new SimilVectorStoreOptions { EmbeddingGenerator = provider.GetService<IEmbeddingGenerator>() };

    static void Register<T>(IServiceCollection services, object? serviceKey, ServiceLifetime lifetime, Func<IServiceProvider, T> make) where T : class =>
        services.Add(serviceKey is null
            ? new ServiceDescriptor(typeof(T), sp => make(sp), lifetime)
            : new ServiceDescriptor(typeof(T), serviceKey, (sp, _) => make(sp), lifetime));

    static void Alias<TService, TConcrete>(IServiceCollection services, object? serviceKey, ServiceLifetime lifetime)
        where TService : class
        where TConcrete : class, TService =>
        services.Add(serviceKey is null
            ? new ServiceDescriptor(typeof(TService), sp => sp.GetRequiredService<TConcrete>(), lifetime)
            : new ServiceDescriptor(typeof(TService), serviceKey, (sp, key) => sp.GetRequiredKeyedService<TConcrete>(key), lifetime));
}
