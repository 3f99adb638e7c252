package capsa.e2e.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link BusyboxImage} into test methods, constructors and {@code @BeforeAll} methods. The image is built
 * once per test run: it lives in the root extension store, which closes it (deleting the archives) when the run ends.
 */
public final class BusyboxImageExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BusyboxImageExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BusyboxImage.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(BusyboxImage.class, key -> BusyboxImage.build(), BusyboxImage.class);
    }
}
