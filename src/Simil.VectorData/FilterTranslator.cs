using System.Collections;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.Extensions.VectorData.ProviderServices;
using Simil.Filters;

namespace Simil.VectorData;

/// <summary>
/// MEVD's LINQ filters translated to the library's one filter model (<see cref="Filter"/>), run on
/// the rows' metadata inside the search (<c>docs/vectordata.md</c>): <c>==</c>, <c>!=</c>,
/// <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> against a value, <c>&amp;&amp;</c>,
/// <c>||</c>, <c>!</c>, a bool property alone, <c>field.Contains(value)</c> on an array or list
/// property, <c>values.Contains(field)</c> and <c>field.Any(x =&gt; values.Contains(x))</c>;
/// typed records' properties and dynamic records' <c>r["Name"]</c>. Values are evaluated once
/// (captured variables, fields, nested members); anything else is a <see cref="NotSupportedException"/>
/// naming the expression, and a name the collection does not have an <see cref="InvalidOperationException"/>.
/// </summary>
static class FilterTranslator
{
    /// <summary>The filter, or null when it keeps every record (<c>r =&gt; true</c>).</summary>
    public static Filter? Translate<TRecord>(Expression<Func<TRecord, bool>> filter, CollectionModel model)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Body is ConstantExpression { Value: true })
            return null;
        return new Translation(filter.Parameters[0], model).Condition(filter.Body);
    }

    sealed class Translation(ParameterExpression record, CollectionModel model)
    {
        public Filter Condition(Expression e)
        {
            e = Strip(e);
            switch (e)
            {
                case ConstantExpression { Value: bool b }:
                    return b ? Filter.And() : Filter.Not(Filter.And());
                case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                    return Filter.And(Condition(and.Left), Condition(and.Right));
                case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                    return Filter.Or(Condition(or.Left), Condition(or.Right));
                case UnaryExpression { NodeType: ExpressionType.Not } not:
                    return Filter.Not(Condition(not.Operand));
                case BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.GreaterThan
                    or ExpressionType.GreaterThanOrEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual } comparison:
                    return Compare(comparison);
                case MethodCallExpression call:
                    return Call(call);
            }
            if (Field(e) is { } flag)
                return Filter.Eq(flag, true);
            throw Unsupported(e);
        }

        Filter Compare(BinaryExpression node)
        {
            var type = node.NodeType;
            string? field = Field(node.Left);
            Expression other = node.Right;
            if (field is null)
            {
                field = Field(node.Right) ?? throw Unsupported(node);
                other = node.Left;
                type = type switch
                {
                    ExpressionType.GreaterThan => ExpressionType.LessThan,
                    ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
                    ExpressionType.LessThan => ExpressionType.GreaterThan,
                    ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                    _ => type,
                };
            }
            object? value = Value(other);
            if (value is null && type is not (ExpressionType.Equal or ExpressionType.NotEqual))
                throw new NotSupportedException($"the filter {node} compares with null by an order; only == and != compare with null");
            return type switch
            {
                ExpressionType.Equal => Filter.Eq(field, value),
                ExpressionType.NotEqual => Filter.Ne(field, value),
                ExpressionType.GreaterThan => Filter.Range(field, greater: value),
                ExpressionType.GreaterThanOrEqual => Filter.Range(field, greaterOrEqual: value),
                ExpressionType.LessThan => Filter.Range(field, less: value),
                _ => Filter.Range(field, lessOrEqual: value),
            };
        }

        Filter Call(MethodCallExpression call)
        {
            // Contains in its three shapes: Enumerable.Contains(source, item), MemoryExtensions.Contains(span, item[, comparer]), list.Contains(item).
            if (call.Method.Name == nameof(Enumerable.Contains))
            {
                Expression source, item;
                if (call.Object is null && call.Arguments.Count >= 2)
                {
                    (source, item) = (call.Arguments[0], call.Arguments[1]);
                    if (call.Arguments.Count == 3 && Value(call.Arguments[2]) is not null)
                        throw new NotSupportedException($"the filter {call} compares with a comparer of its own; only the default equality is supported");
                }
                else if (call.Object is not null && call.Arguments.Count == 1)
                    (source, item) = (call.Object, call.Arguments[0]);
                else
                    throw Unsupported(call);
                if (Field(source) is { } arrayField)
                    return Filter.Eq(arrayField, Value(item));
                if (Field(item) is { } field)
                    return Filter.In(field, Values(source));
                throw Unsupported(call);
            }
            // field.Any(x => values.Contains(x))
            if (call.Method.DeclaringType == typeof(Enumerable) && call.Method.Name == nameof(Enumerable.Any) && call.Arguments.Count == 2
                && Field(call.Arguments[0]) is { } any && Strip(call.Arguments[1]) is LambdaExpression { Parameters: [var element] } lambda
                && Strip(lambda.Body) is MethodCallExpression { Method.Name: nameof(Enumerable.Contains) } inner)
            {
                var (values, candidate) = inner.Object is not null ? (inner.Object, inner.Arguments[0]) : (inner.Arguments[0], inner.Arguments[1]);
                if (Strip(candidate) == element)
                    return Filter.In(any, Values(values));
            }
            if (Field(call) is { } flag)
                return Filter.Eq(flag, true);
            throw Unsupported(call);
        }

        /// <summary>The storage name of the record's data or key property that <paramref name="e"/> reads, or null when it reads none.</summary>
        string? Field(Expression e)
        {
            e = Strip(e);
            string? name = e switch
            {
                MemberExpression member when member.Expression == record => member.Member.Name,
                MethodCallExpression { Method.Name: "get_Item", Arguments: [var argument] } indexer when indexer.Object == record =>
                    Value(argument) as string ?? throw new NotSupportedException($"the filter {e} reads a property by a name that is not a string"),
                _ => null,
            };
            if (name is null)
                return null;
            var property = model.Properties.FirstOrDefault(p => p.ModelName == name)
                ?? throw new InvalidOperationException($"the filter reads property '{name}', which the collection does not have");
            if (property is VectorPropertyModel)
                throw new NotSupportedException($"the filter reads vector property '{name}'; filters test key and data properties");
            return property.StorageName;
        }

        /// <summary>The value of an expression that does not read the record (a constant, a captured variable, a member of one), as the filter model takes it.</summary>
        object? Value(Expression e)
        {
            if (new ReadsRecord(record).Reads(e))
                throw Unsupported(e);
            object? value = Strip(e) is ConstantExpression c ? c.Value : Expression.Lambda<Func<object?>>(Expression.Convert(e, typeof(object))).Compile(preferInterpretation: true)();
            return Scalar(value);
        }

        /// <summary>The values of a list the filter names (its span conversion looked through).</summary>
        IEnumerable<object?> Values(Expression e) =>
            Strip(e) is NewArrayExpression array ? [.. array.Expressions.Select(Value)]
            : Value(Strip(e)) is IEnumerable values and not string ? [.. values.Cast<object?>().Select(Scalar)]
            : throw Unsupported(e);

        /// <summary>
        /// A value as the metadata holds it: strings, numbers, bools and null as they are, lists as
        /// lists, anything else (dates, times, Guids, enums …) as the JSON the record's property was
        /// written as, so equality compares like with like.
        /// </summary>
        static object? Scalar(object? value) => value switch
        {
            null or string or bool or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
            IEnumerable items => items.Cast<object?>().Select(Scalar).ToList(),
            _ => JsonSerializer.SerializeToElement(value, value.GetType()) switch
            {
                { ValueKind: JsonValueKind.String } s => s.GetString(),
                { ValueKind: JsonValueKind.Number } n => n.GetDouble(),
                { ValueKind: JsonValueKind.True or JsonValueKind.False } b => b.GetBoolean(),
                _ => throw new NotSupportedException($"a filter value of type {value.GetType().Name} is not supported by Simil collections"),
            },
        };
    }

    /// <summary>Conversions (casts, nullable lifts, span conversions) look through to what they convert.</summary>
    static Expression Strip(Expression e)
    {
        while (true)
        {
            switch (e)
            {
                case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs or ExpressionType.Quote } u:
                    e = u.Operand;
                    continue;
                case MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var operand] }:
                    e = operand;
                    continue;
            }
            return e;
        }
    }

    static NotSupportedException Unsupported(Expression e) =>
        new($"the filter {e} is not supported by Simil collections; supported: ==, !=, <, <=, >, >= against a value, &&, ||, !, a bool property, " +
            "Contains over an array or list property or over a list of values, and property.Any(x => values.Contains(x))");

    sealed class ReadsRecord(ParameterExpression record) : ExpressionVisitor
    {
        bool _reads;

        public bool Reads(Expression e)
        {
            Visit(e);
            return _reads;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _reads |= node == record;
            return node;
        }
    }
}
