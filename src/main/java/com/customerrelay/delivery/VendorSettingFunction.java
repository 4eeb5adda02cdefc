package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;
import org.apache.camel.spi.PropertiesFunction;

import java.util.Map;

/**
 * The properties function {@code {{vendor-setting:<vendor>.<key>[:<default>]}}} of the delivery routes, resolved once
 * when a route is made: a vendor's setting as the relay uses it, where Camel's own placeholder would give the raw
 * value. {@code base-url} is the base-url in use — relay.vendors.&lt;vendor&gt;.base-url, or the address of the
 * vendor's built-in sandbox when that is empty, only known once the sandbox has its port. Any other key is read as
 * VendorSettings.setting reads it: trimmed, a blank value meaning the default (Soliditech's configured HTTP method).
 */
public final class VendorSettingFunction implements PropertiesFunction {

    private final Map<String, VendorSettings> vendors;

    public VendorSettingFunction(Map<String, VendorSettings> vendors) {
        this.vendors = vendors;
    }

    @Override
    public String getName() {
        return "vendor-setting";
    }

    @Override
    public String apply(String remainder) {
        int dot = remainder.indexOf('.');
        VendorSettings settings = dot < 0 ? null : vendors.get(remainder.substring(0, dot).trim());
        if (settings == null) {
            throw new IllegalArgumentException("{{vendor-setting:" + remainder + "}} must name a vendor and a key "
                    + "(<vendor>.<key>[:<default>]); vendors: " + vendors.keySet());
        }
        int colon = remainder.indexOf(':', dot);
        String key = (colon < 0 ? remainder.substring(dot + 1) : remainder.substring(dot + 1, colon)).trim();
        if (key.equals("base-url")) {
            return settings.baseUrl();
        }
        String value = settings.setting(key, colon < 0 ? null : remainder.substring(colon + 1));
        if (value == null) {
            throw new IllegalArgumentException("{{vendor-setting:" + remainder + "}}: relay.vendors."
                    + settings.vendor() + "." + key + " is not set and the placeholder gives no default");
        }
        return value;
    }
}
