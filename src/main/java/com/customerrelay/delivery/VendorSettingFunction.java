package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;
import org.apache.camel.spi.PropertiesFunction;

import java.util.Map;

/**
 * The properties function {@code {{vendor-setting:<vendor>.<key>:<default>}}} of the delivery routes: a vendor's
 * setting read as the relay reads all its settings (VendorSettings.setting: trimmed, a blank value meaning the
 * default), where Camel's own {@code {{relay.vendors.<vendor>.<key>:<default>}}} would give a blank value as it is.
 * Resolved once, when the route is made: Soliditech's configured HTTP method, set as a constant.
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
        int colon = remainder.indexOf(':', Math.max(dot, 0));
        VendorSettings settings = dot < 0 ? null : vendors.get(remainder.substring(0, dot).trim());
        if (settings == null || colon < 0) {
            throw new IllegalArgumentException("{{vendor-setting:" + remainder + "}} must name a vendor, a key and a "
                    + "default (<vendor>.<key>:<default>); vendors: " + vendors.keySet());
        }
        return settings.setting(remainder.substring(dot + 1, colon).trim(), remainder.substring(colon + 1));
    }
}
