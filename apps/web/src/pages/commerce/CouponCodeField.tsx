import { Button, Group, TextInput } from '@mantine/core';

/** A coupon code input with its Apply button; Enter applies too. The error shows beside the field. */
export function CouponCodeField(props: { label: string; applyLabel: string; value: string; onChange: (value: string) => void; onApply: () => void; error?: string | null }) {
  return (
    <Group align="flex-end" wrap="nowrap">
      <TextInput
        style={{ flex: 1 }}
        label={props.label}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            props.onApply();
          }
        }}
        error={props.error}
      />
      <Button variant="default" onClick={props.onApply} mb={props.error ? 22 : 0}>
        {props.applyLabel}
      </Button>
    </Group>
  );
}
