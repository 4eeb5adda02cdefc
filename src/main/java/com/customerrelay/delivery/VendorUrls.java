package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;
import org.apache.camel.spi.PropertiesFunction;

import java.util.Map;

/**
 * The properties function {@code {{vendor-url:<vendor>}}} of the delivery routes: the vendor's base-url in use —
 * relay.vendors.&lt;vendor&gt;.base-url, or the address of its built-in sandbox when that is empty, which is only
 * known once the sandbox has its port.
 */
public final class VendorUrls implements PropertiesFunction {

    private final Map<String, VendorSettings> vendors;

    public VendorUrls(Map<String, VendorSettings> vendors) {
        this.vendors = vendors;
    }

    @Override
    public String getName() {
        return "vendor-url";
    }

    @Override
    public String apply(String vendor) {
        VendorSettings settings = vendors.get(vendor.trim());
        if (settings == null) {
            throw new IllegalArgumentException("{{vendor-url:" + vendor + "}} names no vendor; known: "
                    + vendors.keySet());
        }
        return settings.baseUrl();
    }
}
